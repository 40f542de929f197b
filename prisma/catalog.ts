// The demo catalog: 64 products across eight categories, prices in paise (INR minor units).
// Used by the seed and by the storefront's image generator (one SVG per SKU).

export interface CatalogItem {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  category: string;
}

type Row = [name: string, rupees: number, stock: number, description: string];

const categories: Record<string, { prefix: string; rows: Row[] }> = {
  'Tea & Coffee': {
    prefix: 'TEA',
    rows: [
      ['Darjeeling First Flush Tea, 250 g', 899, 120, 'Light, floral spring harvest from the Darjeeling hills.'],
      ['Assam Breakfast Tea, 500 g', 549, 300, 'Malty, bold leaf tea that takes milk well.'],
      ['Nilgiri Frost Tea, 250 g', 649, 80, 'Brisk winter-picked tea from the Blue Mountains.'],
      ['Masala Chai Blend, 200 g', 399, 250, 'Assam tea with cardamom, ginger, clove and cinnamon.'],
      ['Kashmiri Kahwa Green Tea, 100 g', 459, 60, 'Green tea with saffron, almond and cardamom.'],
      ['Coorg Arabica Coffee Beans, 500 g', 799, 140, 'Medium roast, chocolate and citrus notes.'],
      ['South Indian Filter Coffee, 500 g', 499, 200, 'Coffee-chicory blend for a traditional decoction.'],
      ['Monsooned Malabar Coffee, 250 g', 699, 45, 'Low-acid beans aged in the monsoon winds.'],
    ],
  },
  Spices: {
    prefix: 'SPC',
    rows: [
      ['Kashmiri Red Chilli Powder, 200 g', 249, 400, 'Deep colour with gentle heat.'],
      ['Malabar Black Pepper, 100 g', 299, 350, 'Bold, whole Tellicherry peppercorns.'],
      ['Green Cardamom Pods, 100 g', 649, 150, 'Large 8 mm Kerala pods, intensely aromatic.'],
      ['Lakadong Turmeric, 200 g', 329, 220, 'High-curcumin turmeric from Meghalaya.'],
      ['Garam Masala, 100 g', 199, 500, 'Freshly ground house blend of eleven spices.'],
      ['Kashmiri Saffron, 1 g', 699, 40, 'Hand-picked Mongra saffron threads.'],
      ['Whole Cumin Seeds, 250 g', 219, 320, 'Rajasthani cumin, earthy and warm.'],
      ['Hing (Asafoetida), 50 g', 279, 180, 'Strong compounded asafoetida for tempering.'],
    ],
  },
  Textiles: {
    prefix: 'TXT',
    rows: [
      ['Handloom Cotton Saree, Indigo', 3499, 25, 'Hand-woven Bengal cotton with a temple border.'],
      ['Block-Printed Cotton Bedsheet, Double', 1899, 60, 'Jaipur hand block print with two pillow covers.'],
      ['Pashmina Shawl, Charcoal', 7999, 12, 'Soft Kashmiri pashmina, hand finished.'],
      ['Khadi Kurta, Ecru', 1299, 90, 'Hand-spun khadi cotton, straight cut.'],
      ['Ikat Cushion Covers, Set of 2', 899, 110, 'Pochampally ikat weave, 40 × 40 cm.'],
      ['Kantha Throw Blanket', 2499, 35, 'Layered vintage cotton with running-stitch quilting.'],
      ['Silk Stole, Banarasi Zari', 2199, 40, 'Pure silk with woven zari motifs.'],
      ['Cotton Dhurrie Rug, 4 × 6 ft', 3299, 20, 'Flat-woven, reversible, hand-made in Panipat.'],
    ],
  },
  Kitchen: {
    prefix: 'KIT',
    rows: [
      ['Cast Iron Tawa, 30 cm', 1199, 75, 'Pre-seasoned griddle for rotis and dosas.'],
      ['Brass Masala Dabba', 1599, 50, 'Spice box with seven bowls and a spoon.'],
      ['Copper Water Bottle, 1 L', 999, 140, 'Leak-proof lid, hammered finish.'],
      ['Stone Mortar and Pestle', 849, 65, 'Hand-carved granite, 15 cm.'],
      ['Stainless Steel Tiffin, 3 Tier', 749, 160, 'Lunch carrier with a locking clip.'],
      ['Clay Kadai, 2 L', 1099, 30, 'Unglazed terracotta for slow cooking.'],
      ['Pressure Cooker, 5 L', 2499, 55, 'Induction-ready stainless steel.'],
      ['Neem Wood Spatula Set', 399, 210, 'Three hand-carved cooking spoons.'],
    ],
  },
  Stationery: {
    prefix: 'STN',
    rows: [
      ['Handmade Paper Journal, A5', 449, 180, 'Cotton rag paper, 160 pages, stitched binding.'],
      ['Fountain Pen, Ebonite', 1899, 40, 'Hand-turned ebonite barrel, medium nib.'],
      ['Madhubani Greeting Cards, Set of 6', 349, 220, 'Hand-painted folk art cards with envelopes.'],
      ['Block-Printed Notebook Set', 599, 130, 'Three pocket notebooks in printed covers.'],
      ['Indian Ink Bottle, 60 ml', 299, 150, 'Waterproof black drawing ink.'],
      ['Leather Diary, Tan', 1299, 70, 'Refillable vegetable-tanned leather cover.'],
      ['Desk Calendar, Indian Textiles', 499, 95, 'Twelve prints from the craft archive.'],
      ['Brass Bookmark, Peacock', 249, 300, 'Etched brass with a silk tassel.'],
    ],
  },
  'Home Decor': {
    prefix: 'HOM',
    rows: [
      ['Dhokra Brass Elephant', 1799, 30, 'Lost-wax cast tribal metalwork from Bastar.'],
      ['Blue Pottery Vase', 1299, 45, 'Jaipur quartz pottery, hand painted.'],
      ['Terracotta Diyas, Set of 12', 299, 500, 'Hand-thrown oil lamps.'],
      ['Warli Wall Art, Framed', 2199, 22, 'Hand-painted on cloth, 30 × 40 cm.'],
      ['Brass Urli Bowl, 30 cm', 2599, 18, 'Floating flower bowl for entrances.'],
      ['Sandalwood Incense, 100 sticks', 249, 600, 'Hand-rolled Mysore agarbatti.'],
      ['Marble Coaster Set', 899, 85, 'Agra inlay work, set of four.'],
      ['Cane Table Lamp', 1999, 28, 'Woven cane shade with a teak base.'],
    ],
  },
  Wellness: {
    prefix: 'WEL',
    rows: [
      ['Cold-Pressed Coconut Oil, 500 ml', 349, 260, 'Virgin oil from Kerala coconuts.'],
      ['Ayurvedic Herbal Soap, Set of 4', 399, 240, 'Neem, tulsi, turmeric and sandalwood.'],
      ['Rose Water Toner, 200 ml', 249, 310, 'Steam-distilled Kannauj rose water.'],
      ['Ashwagandha Root Powder, 200 g', 449, 140, 'Organic, lab tested.'],
      ['Copper Tongue Cleaner', 149, 400, 'Pure copper, traditional shape.'],
      ['Sesame Massage Oil, 200 ml', 299, 190, 'Cold-pressed sesame with herbs.'],
      ['Yoga Mat, Natural Cotton', 1499, 60, 'Hand-woven cotton durrie mat.'],
      ['Kumkumadi Face Oil, 30 ml', 899, 75, 'Saffron-infused night oil.'],
    ],
  },
  'Snacks & Sweets': {
    prefix: 'SNK',
    rows: [
      ['Kaju Katli, 500 g', 899, 90, 'Cashew fudge with edible silver leaf.'],
      ['Mysore Pak, 400 g', 549, 70, 'Ghee-rich gram flour sweet from Karnataka.'],
      ['Bhujia Sev, 400 g', 199, 450, 'Crisp Bikaneri moth bean noodles.'],
      ['Banana Chips, Kerala Style, 250 g', 179, 380, 'Fried in coconut oil, lightly salted.'],
      ['Dry Fruit Gift Box, 1 kg', 2499, 40, 'Almonds, cashews, pistachios and raisins.'],
      ['Gajak, 250 g', 229, 150, 'Sesame and jaggery brittle from Morena.'],
      ['Mango Pickle, 500 g', 299, 210, 'Grandmother-style aam ka achaar in mustard oil.'],
      ['Chikki Assortment, 300 g', 249, 170, 'Peanut, sesame and dry-fruit chikki.'],
    ],
  },
};

export const catalog: CatalogItem[] = Object.entries(categories).flatMap(([category, { prefix, rows }]) =>
  rows.map(([name, rupees, stock, description], i) => ({
    sku: `${prefix}-${String(i + 1).padStart(3, '0')}`,
    name,
    description,
    priceCents: rupees * 100,
    currency: 'INR',
    stock,
    category,
  })),
);

/** Where a seed product's generated image is served from (web/public/assets/products/<sku>.svg). */
export function catalogImageUrl(assetsBaseUrl: string, sku: string): string {
  return `${assetsBaseUrl.replace(/\/$/, '')}/products/${sku}.svg`;
}
