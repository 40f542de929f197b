-- Per-account session generation (issue #23: nothing could revoke a session). A session remembers the generation
-- it signed in at; "log out everywhere" increments it, and every signed-in request compares the two.
-- Expand only: a constant default is stored in the catalog (PostgreSQL 11+, no table rewrite), and the previous
-- release's INSERTs, which do not name the column, get 0.
ALTER TABLE "users" ADD COLUMN     "session_generation" INTEGER NOT NULL DEFAULT 0;
