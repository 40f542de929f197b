// Idempotent seed: the demo catalog (existing SKUs are left as they are, so stock and admin edits survive a
// re-run) and the admin account from ADMIN_EMAIL / ADMIN_PASSWORD (demo defaults below, for local use only).
// Run by `npm run demo`, or `npx prisma db seed` (prisma.config.ts).
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { hashPassword } from '../service/src/domain/passwords.js';
import { PrismaClient } from '../service/src/generated/prisma/client.js';
import { catalog, catalogImageUrl } from './catalog.js';

export const DEMO_ADMIN_EMAIL = 'admin@edgecart.local';
export const DEMO_ADMIN_PASSWORD = 'admin-demo-password';

export interface SeedOptions {
  databaseUrl: string;
  adminEmail?: string;
  adminPassword?: string;
  assetsBaseUrl?: string;
}

export async function seed(options: SeedOptions): Promise<{ products: number; adminEmail: string }> {
  const adminEmail = (options.adminEmail ?? DEMO_ADMIN_EMAIL).toLowerCase();
  const adminPassword = options.adminPassword ?? DEMO_ADMIN_PASSWORD;
  if (adminPassword.length < 10) throw new Error('ADMIN_PASSWORD must be at least 10 characters');
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: options.databaseUrl }) });
  try {
    const assetsBaseUrl = options.assetsBaseUrl ?? '/assets';
    const { count } = await prisma.product.createMany({
      data: catalog.map(({ category: _category, ...item }) => ({
        ...item,
        imageUrl: catalogImageUrl(assetsBaseUrl, item.sku),
      })),
      skipDuplicates: true,
    });
    const passwordHash = await hashPassword(adminPassword);
    await prisma.user.upsert({
      where: { email: adminEmail },
      create: { email: adminEmail, passwordHash, role: 'admin' },
      update: { passwordHash, role: 'admin' },
    });
    return { products: count, adminEmail };
  } finally {
    await prisma.$disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await seed({
    databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgecart',
    adminEmail: process.env.ADMIN_EMAIL,
    adminPassword: process.env.ADMIN_PASSWORD,
    assetsBaseUrl: process.env.ASSETS_BASE_URL,
  });
  console.log(`Seeded: ${result.products} new products, admin ${result.adminEmail}`);
}
