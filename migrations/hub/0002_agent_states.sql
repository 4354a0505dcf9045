CREATE TABLE "agent_states" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"since" timestamp(3) with time zone NOT NULL,
	"set_by" text,
	"registered" boolean,
	"registered_at" timestamp(3) with time zone,
	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_states_state" CHECK ("agent_states"."state" in ('available', 'ringing', 'oncall', 'wrapup', 'break', 'offline'))
);
--> statement-breakpoint
CREATE TABLE "break_reasons" (
	"code" text PRIMARY KEY NOT NULL,
	"label_en" text NOT NULL,
	"label_it" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_events" (
	"id" text PRIMARY KEY NOT NULL,
	"at" timestamp(3) with time zone NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"call_id" text,
	"queue" text,
	"agent" text,
	"caller" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"received_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_events_source" CHECK ("call_events"."source" in ('pbx', 'desktop', 'hub'))
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"name" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"team" text NOT NULL,
	"strategy" text DEFAULT 'ring-all' NOT NULL,
	"ring_seconds" integer DEFAULT 15 NOT NULL,
	"max_wait_seconds" integer DEFAULT 120 NOT NULL,
	"sl_seconds" integer DEFAULT 20 NOT NULL,
	"short_abandon_seconds" integer DEFAULT 5 NOT NULL,
	"wrap_up_seconds" integer DEFAULT 60 NOT NULL,
	"wrap_up_policy" text DEFAULT 'available' NOT NULL,
	"ring_no_answer" text DEFAULT 'none' NOT NULL,
	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queues_strategy" CHECK ("queues"."strategy" in ('ring-all', 'longest-idle')),
	CONSTRAINT "queues_wrap_up_policy" CHECK ("queues"."wrap_up_policy" in ('available', 'stay')),
	CONSTRAINT "queues_ring_no_answer" CHECK ("queues"."ring_no_answer" in ('none', 'break'))
);
--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "scope" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "extension" text;--> statement-breakpoint
ALTER TABLE "agent_states" ADD CONSTRAINT "agent_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_events_at" ON "call_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "call_events_call" ON "call_events" USING btree ("call_id");--> statement-breakpoint
CREATE UNIQUE INDEX "queues_number" ON "queues" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "users_extension" ON "users" USING btree ("extension");--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_scope" CHECK ("tokens"."scope" is null or "tokens"."scope" = 'display');
--> statement-breakpoint
-- The shipped break reasons (src-shared/agent-state/states.ts DEFAULT_BREAK_REASONS); `pronto-hub break-reasons set` replaces them.
INSERT INTO "break_reasons" ("code", "label_en", "label_it", "position") VALUES
  ('lunch', 'Lunch', 'Pranzo', 1),
  ('training', 'Training', 'Formazione', 2),
  ('meeting', 'Meeting', 'Riunione', 3),
  ('technical', 'Technical problem', 'Problema tecnico', 4),
  ('missed-call', 'Missed call', 'Chiamata persa', 5),
  ('other', 'Other', 'Altro', 6)
ON CONFLICT ("code") DO NOTHING;
