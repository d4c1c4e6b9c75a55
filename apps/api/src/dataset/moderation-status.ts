/** Moderation states shared by images and pairs; only `approved` rows are served, batched and exported. */

/** Every status a moderator can see or set. */
export const MODERATION_STATUSES = ["pending", "approved", "rejected"] as const;
/** One of {@link MODERATION_STATUSES}. */
export type ModerationStatus = (typeof MODERATION_STATUSES)[number];

/** Every status a row can have: the moderation ones, and `withdrawn` (by its contributor). */
export const RECORD_STATUSES = [...MODERATION_STATUSES, "withdrawn"] as const;
/** One of {@link RECORD_STATUSES}. */
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** SQL condition for a pair `p` on image `i` that may be served publicly. */
export const SERVED = "p.status = 'approved' AND i.status = 'approved'";
