CREATE SEQUENCE "public"."change_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "accounts" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"balance_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"overdue_minor" bigint DEFAULT 0 NOT NULL,
	"oldest_due_date" date,
	"last_payment_at" timestamp(3) with time zone,
	"last_payment_minor" bigint
);
--> statement-breakpoint
CREATE TABLE "changes" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"entity" text NOT NULL,
	"key" text NOT NULL,
	"bucket" text NOT NULL,
	"op" text NOT NULL,
	"data" text,
	CONSTRAINT "changes_op" CHECK ("changes"."op" in ('u', 'd'))
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"company" text DEFAULT '' NOT NULL,
	"phone" text NOT NULL,
	"country" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"created_by" text NOT NULL,
	"bucket" text NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_terms" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"credit_limit_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"payment_terms" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"risk_class" text DEFAULT '' NOT NULL,
	"reviewed_at" timestamp(3) with time zone,
	CONSTRAINT "credit_terms_status" CHECK ("credit_terms"."status" in ('ok', 'watch', 'hold', 'blocked'))
);
--> statement-breakpoint
CREATE TABLE "customer_notes" (
	"note_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"text" text NOT NULL,
	"hlc" text NOT NULL,
	"author" text NOT NULL,
	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"company" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"segment" text DEFAULT '' NOT NULL,
	"region" text DEFAULT '' NOT NULL,
	"country" text NOT NULL,
	"phones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp(3) with time zone
);
--> statement-breakpoint
CREATE TABLE "hub_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "note_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "note_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"note_id" uuid NOT NULL,
	"text" text NOT NULL,
	"hlc" text NOT NULL,
	"author" text NOT NULL,
	"outcome" text NOT NULL,
	"recorded_at" timestamp(3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"sku" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"category" text DEFAULT '' NOT NULL,
	"family" text DEFAULT '' NOT NULL,
	"tier" integer DEFAULT 1 NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"margin" double precision DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchases" (
	"order_id" text NOT NULL,
	"sku" text NOT NULL,
	"customer_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"purchased_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "purchases_order_id_sku_pk" PRIMARY KEY("order_id","sku")
);
--> statement-breakpoint
CREATE TABLE "sync_clients" (
	"user_id" integer NOT NULL,
	"client_id" text NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"last_push_at" timestamp(3) with time zone,
	CONSTRAINT "sync_clients_user_id_client_id_pk" PRIMARY KEY("user_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "sync_mutations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"client_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"processed_at" timestamp(3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"name" text PRIMARY KEY NOT NULL,
	"regions" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp(3) with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"role" text NOT NULL,
	"team" text,
	"password_hash" text NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role" CHECK ("users"."role" in ('agent', 'supervisor', 'admin'))
);
--> statement-breakpoint
ALTER TABLE "customer_notes" ADD CONSTRAINT "customer_notes_customer_id_customers_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("customer_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_history" ADD CONSTRAINT "note_history_note_id_customer_notes_note_id_fk" FOREIGN KEY ("note_id") REFERENCES "public"."customer_notes"("note_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_clients" ADD CONSTRAINT "sync_clients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_mutations" ADD CONSTRAINT "sync_mutations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_team_teams_name_fk" FOREIGN KEY ("team") REFERENCES "public"."teams"("name") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
CREATE UNIQUE INDEX "changes_entity_key_bucket" ON "changes" USING btree ("entity","key","bucket");--> statement-breakpoint
CREATE INDEX "changes_bucket_seq" ON "changes" USING btree ("bucket","seq");--> statement-breakpoint
CREATE INDEX "contacts_phone" ON "contacts" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "customer_notes_customer" ON "customer_notes" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "customers_region" ON "customers" USING btree ("region");--> statement-breakpoint
CREATE INDEX "note_history_note" ON "note_history" USING btree ("note_id");--> statement-breakpoint
CREATE INDEX "purchases_customer_time" ON "purchases" USING btree ("customer_id","purchased_at");--> statement-breakpoint
CREATE INDEX "sync_mutations_client" ON "sync_mutations" USING btree ("user_id","client_id","seq");--> statement-breakpoint
CREATE INDEX "tokens_user" ON "tokens" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_name" ON "users" USING btree ("name");