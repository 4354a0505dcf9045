CREATE TABLE "cases" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" text,
	"agent" text NOT NULL,
	"team" text,
	"call_id" text,
	"call_line" text DEFAULT '' NOT NULL,
	"call_duration_s" double precision,
	"disposition" text NOT NULL,
	"category" text,
	"notes" text DEFAULT '' NOT NULL,
	"follow_up_date" date,
	"follow_up_task" text DEFAULT '' NOT NULL,
	"bucket" text NOT NULL,
	"created_at" timestamp(3) with time zone NOT NULL,
	"submitted_at" timestamp(3) with time zone NOT NULL,
	"received_at" timestamp(3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispositions" (
	"code" text PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"label_en" text NOT NULL,
	"label_it" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offer_outcomes" (
	"case_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"sku" text NOT NULL,
	"kind" text NOT NULL,
	"outcome" text NOT NULL,
	"decided_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "offer_outcomes_case_id_sku_pk" PRIMARY KEY("case_id","sku"),
	CONSTRAINT "offer_outcomes_outcome" CHECK ("offer_outcomes"."outcome" in ('accepted', 'declined', 'not_interested'))
);
--> statement-breakpoint
ALTER TABLE "offer_outcomes" ADD CONSTRAINT "offer_outcomes_case_id_cases_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("case_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_customer" ON "cases" USING btree ("customer_id","submitted_at");--> statement-breakpoint
CREATE INDEX "cases_agent" ON "cases" USING btree ("agent","submitted_at");--> statement-breakpoint
-- Default dispositions (the same as migrations/desktop/0004_cases.sql) until an admin sets the hub's own.
INSERT INTO "dispositions" (code, category, label_en, label_it, position) VALUES
	('INFO', 'service', 'Information given', 'Informazioni fornite', 10),
	('ORDER', 'sales', 'Order placed', 'Ordine inserito', 20),
	('QUOTE', 'sales', 'Quote requested', 'Preventivo richiesto', 30),
	('PAYMENT', 'accounting', 'Payment / balance', 'Pagamento / saldo', 40),
	('CREDIT', 'credit', 'Credit terms', 'Condizioni di credito', 50),
	('COMPLAINT', 'service', 'Complaint', 'Reclamo', 60),
	('TECH', 'service', 'Technical support', 'Assistenza tecnica', 70),
	('CALLBACK', 'service', 'Call back', 'Da richiamare', 80),
	('WRONG', 'other', 'Wrong number', 'Numero errato', 90);
