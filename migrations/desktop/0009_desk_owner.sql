ALTER TABLE `cases` ADD `owner` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `owner` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Shared desks (issue 20): new outbox rows and local drafts belong to the agent signed in, named in
-- meta `session_owner` by the session service; one trigger serves every connection and thread.
CREATE TRIGGER `outbox_owner` AFTER INSERT ON `outbox` WHEN NEW.`owner` = '' BEGIN
  UPDATE `outbox` SET `owner` = coalesce((SELECT `value` FROM `meta` WHERE `key` = 'session_owner'), '') WHERE `seq` = NEW.`seq`;
END;
--> statement-breakpoint
CREATE TRIGGER `cases_owner` AFTER INSERT ON `cases` WHEN NEW.`owner` = '' AND NEW.`origin` = 'local' BEGIN
  UPDATE `cases` SET `owner` = coalesce((SELECT `value` FROM `meta` WHERE `key` = 'session_owner'), '') WHERE `case_id` = NEW.`case_id`;
END;
