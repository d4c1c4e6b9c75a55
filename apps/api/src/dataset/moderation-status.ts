/** Moderation states shared by images and pairs; only `approved` rows are served, batched and exported. */

/** Every moderation status. */
export const MODERATION_STATUSES = ["pending", "approved", "rejected"] as const;
/** One of {@link MODERATION_STATUSES}. */
export type ModerationStatus = (typeof MODERATION_STATUSES)[number];

/** SQL condition for a pair `p` on image `i` that may be served publicly. */
export const SERVED = "p.status = 'approved' AND i.status = 'approved'";
