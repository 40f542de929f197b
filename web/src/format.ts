// Money arrives as integer minor units; Intl knows how many minor digits each currency has (INR 2, JPY 0).
const formatters = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formatters.set(currency, f);
  }
  return f;
}

export function formatMoney(minorUnits: number, currency: string): string {
  const f = moneyFormat(currency);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minorUnits / 10 ** digits);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** The first block of a UUID: enough for a shopper to tell orders apart. */
export function shortId(id: string): string {
  return id.split('-')[0]?.toUpperCase() ?? id;
}
