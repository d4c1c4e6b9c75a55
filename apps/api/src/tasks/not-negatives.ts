/**
 * SQL fragments every hard-negative source shares: what is served, and what is never a negative for a prompt.
 * Parameter numbering is fixed so both sources bind the same way: ?1 the prompt image id, ?2 its concept, ?3 the
 * prompt caption id.
 */

/** A pair `p` of image `i` that is shown to people. */
export const SERVED = "p.status = 'approved' AND i.status = 'approved'";

/** Caption ids of the prompt image or of any image of its concept (another style of one emoji is no negative). */
export const OWN_CAPTIONS = `SELECT p2.caption_id FROM pairs p2 JOIN images i2 ON i2.id = p2.image_id
  WHERE i2.id = ?1 OR i2.concept = ?2`;

/** Image ids paired with the prompt caption, the prompt image, and every image of the prompt's concept. */
export const OWN_IMAGES = `SELECT p2.image_id FROM pairs p2 WHERE p2.caption_id = ?3 OR p2.image_id = ?1
  UNION SELECT i2.id FROM images i2 WHERE i2.concept = ?2`;
