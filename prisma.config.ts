// Prisma 7 reads its CLI settings from here (the datasource URL no longer lives in schema.prisma).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: {
    // `prisma generate` needs no database; migrate/seed commands fall back to the local demo database.
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/edgecart',
  },
});
