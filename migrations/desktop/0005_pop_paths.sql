DROP INDEX `purchases_customer_time`;--> statement-breakpoint
CREATE INDEX `purchases_customer_time` ON `purchases` (`customer_id`,`purchased_at`,`order_id`,`sku`,`quantity`,`amount_minor`,`currency`);--> statement-breakpoint
-- Hand-written below (drizzle has no WITHOUT ROWID): the pop reads accounts and credit terms by
-- customer_id; clustered on that key each is one B-tree descent instead of two.
CREATE TABLE `__new_accounts` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`balance_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`overdue_minor` integer DEFAULT 0 NOT NULL,
	`oldest_due_date` text,
	`last_payment_at` text,
	`last_payment_minor` integer
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_accounts` (`customer_id`, `balance_minor`, `currency`, `overdue_minor`, `oldest_due_date`, `last_payment_at`, `last_payment_minor`)
  SELECT `customer_id`, `balance_minor`, `currency`, `overdue_minor`, `oldest_due_date`, `last_payment_at`, `last_payment_minor` FROM `accounts`;--> statement-breakpoint
DROP TABLE `accounts`;--> statement-breakpoint
ALTER TABLE `__new_accounts` RENAME TO `accounts`;--> statement-breakpoint
CREATE TABLE `__new_credit_terms` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`credit_limit_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`payment_terms` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`risk_class` text DEFAULT '' NOT NULL,
	`reviewed_at` text
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_credit_terms` (`customer_id`, `credit_limit_minor`, `currency`, `payment_terms`, `status`, `risk_class`, `reviewed_at`)
  SELECT `customer_id`, `credit_limit_minor`, `currency`, `payment_terms`, `status`, `risk_class`, `reviewed_at` FROM `credit_terms`;--> statement-breakpoint
DROP TABLE `credit_terms`;--> statement-breakpoint
ALTER TABLE `__new_credit_terms` RENAME TO `credit_terms`;
--> statement-breakpoint
-- Product names on the pop come from an in-memory map (a join per purchase row cost ~40 % of a
-- 50-row history); whoever writes products (import, sync) bumps this counter so readers reload.
INSERT INTO `meta` (`key`, `value`) VALUES ('products_version', '0') ON CONFLICT (`key`) DO NOTHING;--> statement-breakpoint
CREATE TRIGGER `products_version_insert` AFTER INSERT ON `products` BEGIN
  UPDATE `meta` SET `value` = CAST(`value` AS integer) + 1 WHERE `key` = 'products_version';
END;--> statement-breakpoint
CREATE TRIGGER `products_version_update` AFTER UPDATE ON `products` BEGIN
  UPDATE `meta` SET `value` = CAST(`value` AS integer) + 1 WHERE `key` = 'products_version';
END;--> statement-breakpoint
CREATE TRIGGER `products_version_delete` AFTER DELETE ON `products` BEGIN
  UPDATE `meta` SET `value` = CAST(`value` AS integer) + 1 WHERE `key` = 'products_version';
END;
