CREATE TABLE "login_failures" (
	"name" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"last_failure_at" timestamp(3) with time zone NOT NULL,
	"locked_until" timestamp(3) with time zone
);
--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "expires_at" timestamp(3) with time zone;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "ttl_seconds" integer;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "display_name" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "disabled_at" timestamp(3) with time zone;--> statement-breakpoint
CREATE INDEX "login_failures_last" ON "login_failures" USING btree ("last_failure_at");--> statement-breakpoint
-- Tokens from logins made before expiry existed get the default lifetime (a 10-hour shift,
-- PRONTO_HUB_TOKEN_HOURS) from now, renewed while in use; CLI and display tokens keep none.
UPDATE "tokens" SET "ttl_seconds" = 36000, "expires_at" = now() + interval '10 hours' WHERE "label" = 'login' AND "expires_at" IS NULL;
