CREATE TABLE `cases` (
	`case_id` text PRIMARY KEY NOT NULL,
	`customer_id` text,
	`call_id` text,
	`call_line` text DEFAULT '' NOT NULL,
	`call_duration_s` integer,
	`disposition` text,
	`category` text,
	`notes` text DEFAULT '' NOT NULL,
	`follow_up_date` text,
	`follow_up_task` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`origin` text DEFAULT 'local' NOT NULL,
	`agent` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`call_ended_at` text,
	`submitted_at` text
);
--> statement-breakpoint
CREATE INDEX `cases_customer` ON `cases` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `cases_call` ON `cases` (`call_id`);--> statement-breakpoint
CREATE INDEX `cases_status` ON `cases` (`status`);--> statement-breakpoint
CREATE TABLE `dispositions` (
	`code` text PRIMARY KEY NOT NULL,
	`category` text NOT NULL,
	`label_en` text NOT NULL,
	`label_it` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `offer_outcomes` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`sku` text NOT NULL,
	`kind` text NOT NULL,
	`outcome` text NOT NULL,
	`decided_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `offer_outcomes_customer` ON `offer_outcomes` (`customer_id`,`decided_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `offer_outcomes_case_sku` ON `offer_outcomes` (`case_id`,`sku`);--> statement-breakpoint
-- Default dispositions until the hub sends its own.
INSERT INTO `dispositions` (code, category, label_en, label_it, position) VALUES
	('INFO', 'service', 'Information given', 'Informazioni fornite', 10),
	('ORDER', 'sales', 'Order placed', 'Ordine inserito', 20),
	('QUOTE', 'sales', 'Quote requested', 'Preventivo richiesto', 30),
	('PAYMENT', 'accounting', 'Payment / balance', 'Pagamento / saldo', 40),
	('CREDIT', 'credit', 'Credit terms', 'Condizioni di credito', 50),
	('COMPLAINT', 'service', 'Complaint', 'Reclamo', 60),
	('TECH', 'service', 'Technical support', 'Assistenza tecnica', 70),
	('CALLBACK', 'service', 'Call back', 'Da richiamare', 80),
	('WRONG', 'other', 'Wrong number', 'Numero errato', 90);
