CREATE TABLE `accounts` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`balance_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`overdue_minor` integer DEFAULT 0 NOT NULL,
	`oldest_due_date` text,
	`last_payment_at` text,
	`last_payment_minor` integer
);
--> statement-breakpoint
CREATE TABLE `credit_terms` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`credit_limit_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`payment_terms` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`risk_class` text DEFAULT '' NOT NULL,
	`reviewed_at` text
);
--> statement-breakpoint
CREATE TABLE `customer_phones` (
	`customer_id` text NOT NULL,
	`e164` text NOT NULL,
	`label` text DEFAULT '' NOT NULL,
	`raw` text DEFAULT '' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`customer_id`, `e164`)
);
--> statement-breakpoint
CREATE INDEX `customer_phones_e164` ON `customer_phones` (`e164`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` integer PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`name` text NOT NULL,
	`company` text DEFAULT '' NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`segment` text DEFAULT '' NOT NULL,
	`region` text DEFAULT '' NOT NULL,
	`country` text NOT NULL,
	`created_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_customer_id` ON `customers` (`customer_id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `products` (
	`sku` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`category` text DEFAULT '' NOT NULL,
	`family` text DEFAULT '' NOT NULL,
	`tier` integer DEFAULT 1 NOT NULL,
	`price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`margin` real DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `purchases` (
	`order_id` text NOT NULL,
	`sku` text NOT NULL,
	`customer_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`purchased_at` text NOT NULL,
	PRIMARY KEY(`order_id`, `sku`)
);
--> statement-breakpoint
CREATE INDEX `purchases_customer_time` ON `purchases` (`customer_id`,`purchased_at`);