CREATE TABLE `customer_notes` (
	`note_id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`text` text NOT NULL,
	`hlc` text NOT NULL,
	`author` text DEFAULT '' NOT NULL,
	`deleted` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_notes_customer` ON `customer_notes` (`customer_id`);--> statement-breakpoint
CREATE TABLE `note_history` (
	`note_id` text NOT NULL,
	`hlc` text NOT NULL,
	`text` text NOT NULL,
	`author` text DEFAULT '' NOT NULL,
	`superseded_by` text NOT NULL,
	PRIMARY KEY(`note_id`, `hlc`)
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_id_unique` ON `outbox` (`id`);--> statement-breakpoint
CREATE TABLE `outbox_rejected` (
	`id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`reason` text NOT NULL,
	`rejected_at` text NOT NULL
);
