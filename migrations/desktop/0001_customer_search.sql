-- Full-text search for the "unknown caller" box: name, company, email, customer id and phones
-- (E.164 digits and national digits, so "0287654321" and "390287654321" both find a customer).
-- Its own table (not external content) so the importer can refresh it per customer in bulk.
CREATE VIRTUAL TABLE `customer_search` USING fts5(
	`name`, `company`, `email`, `customer_id`, `phones`,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
-- Stores created before this migration: index the customers they already hold.
INSERT INTO `customer_search` (rowid, name, company, email, customer_id, phones)
SELECT c.id, c.name, c.company, c.email, c.customer_id,
	coalesce((SELECT group_concat(substr(p.e164, 2) || ' ' || replace(replace(replace(p.raw, ' ', ''), '-', ''), '.', ''), ' ')
	          FROM customer_phones p WHERE p.customer_id = c.customer_id), '')
FROM customers c;
