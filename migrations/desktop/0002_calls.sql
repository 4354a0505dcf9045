CREATE TABLE `calls` (
	`call_id` text PRIMARY KEY NOT NULL,
	`direction` text NOT NULL,
	`remote_raw` text NOT NULL,
	`remote_display` text DEFAULT '' NOT NULL,
	`remote_e164` text,
	`match_kind` text NOT NULL,
	`customer_id` text,
	`line` text DEFAULT '' NOT NULL,
	`forwarded_by` text,
	`offered_at` text NOT NULL,
	`answered_at` text,
	`ended_at` text,
	`outcome` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `calls_offered` ON `calls` (`offered_at`);--> statement-breakpoint
CREATE INDEX `calls_customer` ON `calls` (`customer_id`,`offered_at`);