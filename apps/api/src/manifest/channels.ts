/**
 * Release channels (`stable`, `beta`): pointers at model versions, moved by promote and rollback. Each move
 * is one D1 batch that updates the pointer and appends to model_channel_history, so the history never
 * disagrees with the pointer. A rollback undoes the newest promote not yet rolled back.
 */
import { z } from "zod";
import { ApiError } from "../errors";
import type { VersionRow } from "./store";

/** The release channels. */
export const CHANNELS = ["stable", "beta"] as const;
/** A release channel name. */
export type Channel = (typeof CHANNELS)[number];

/** Validates a channel name from a URL. */
export const channelSchema = z.enum(CHANNELS);

/** Where a channel points after a move. */
export interface ChannelState {
  channel: Channel;
  model: string;
  version: string;
  previous: { model: string; version: string } | null;
  updated: string;
}

/** Parses a channel name or throws 400 naming the allowed ones. */
export function parseChannel(name: string): Channel {
  const parsed = channelSchema.safeParse(name);
  if (!parsed.success) {
    throw new ApiError(
      400,
      "invalid_channel",
      `Unknown channel "${name}"; expected one of: ${CHANNELS.join(", ")}.`,
    );
  }
  return parsed.data;
}

/** The version a channel points at, or null when it points nowhere yet. */
export function channelVersion(db: D1Database, channel: Channel): Promise<VersionRow | null> {
  return db
    .prepare(
      `SELECT v.id, v.model, v.version, v.created, v.manifest, v.manifest_sha256, v.signature, v.key_id, v.metrics
       FROM model_channels c JOIN model_versions v ON v.id = c.version_id WHERE c.name = ?1`,
    )
    .bind(channel)
    .first<VersionRow>();
}

async function describe(db: D1Database, channel: Channel): Promise<ChannelState> {
  const row = await db
    .prepare(
      `SELECT c.updated, v.model, v.version, p.model AS prev_model, p.version AS prev_version
       FROM model_channels c JOIN model_versions v ON v.id = c.version_id
       LEFT JOIN model_channel_history h ON h.id = (SELECT MAX(id) FROM model_channel_history WHERE channel = c.name)
       LEFT JOIN model_versions p ON p.id = h.previous_version_id
       WHERE c.name = ?1`,
    )
    .bind(channel)
    .first<{
      updated: string;
      model: string;
      version: string;
      prev_model: string | null;
      prev_version: string | null;
    }>();
  if (!row) throw new ApiError(404, "channel_empty", `Channel "${channel}" points at no version yet.`);
  const previous =
    row.prev_model && row.prev_version ? { model: row.prev_model, version: row.prev_version } : null;
  return { channel, model: row.model, version: row.version, previous, updated: row.updated };
}

/**
 * Points `channel` at version `versionId`, recording the version it pointed at before. The history row is
 * written first in the batch so its `previous_version_id` is read inside the same transaction.
 */
export async function promote(
  db: D1Database,
  channel: Channel,
  versionId: number,
  now: string,
): Promise<ChannelState> {
  await db.batch([
    db
      .prepare(
        `INSERT INTO model_channel_history (channel, action, version_id, previous_version_id, at)
         SELECT ?1, 'promote', ?2, (SELECT version_id FROM model_channels WHERE name = ?1), ?3
         WHERE NOT EXISTS (SELECT 1 FROM model_channels WHERE name = ?1 AND version_id = ?2)`,
      )
      .bind(channel, versionId, now),
    db
      .prepare(
        `INSERT INTO model_channels (name, version_id, updated) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET version_id = excluded.version_id, updated = excluded.updated
         WHERE version_id <> excluded.version_id`,
      )
      .bind(channel, versionId, now),
  ]);
  return describe(db, channel);
}

/** The channel's newest promote that is still live and is what the channel points at now, if any. */
function undoablePromote(db: D1Database, channel: Channel) {
  return db
    .prepare(
      `SELECT h.id, h.previous_version_id FROM model_channel_history h JOIN model_channels c ON c.name = h.channel
       WHERE h.channel = ?1 AND h.action = 'promote' AND h.rolled_back_at IS NULL AND h.version_id = c.version_id
       ORDER BY h.id DESC LIMIT 1`,
    )
    .bind(channel)
    .first<{ id: number; previous_version_id: number | null }>();
}

/**
 * Moves `channel` back to where it was before its newest live promote, marks that promote rolled back and
 * records the rollback. Throws 409 when there is nothing to roll back to.
 */
export async function rollback(db: D1Database, channel: Channel, now: string): Promise<ChannelState> {
  const target = await undoablePromote(db, channel);
  if (!target || target.previous_version_id === null) {
    const message = `Channel "${channel}" has no earlier version to roll back to.`;
    throw new ApiError(409, "nothing_to_roll_back", message);
  }
  // Statement 1 moves the pointer only if no one moved it since the read above; 2 and 3 run only if 1 did.
  const moved = `EXISTS (SELECT 1 FROM model_channels WHERE name = ?1 AND version_id = ?2 AND updated = ?3)`;
  const [update] = await db.batch([
    db
      .prepare(
        `UPDATE model_channels SET version_id = ?2, updated = ?3
         WHERE name = ?1 AND version_id = (SELECT version_id FROM model_channel_history WHERE id = ?4)`,
      )
      .bind(channel, target.previous_version_id, now, target.id),
    db
      .prepare(`UPDATE model_channel_history SET rolled_back_at = ?3 WHERE id = ?4 AND ${moved}`)
      .bind(channel, target.previous_version_id, now, target.id),
    db
      .prepare(
        `INSERT INTO model_channel_history (channel, action, version_id, previous_version_id, at)
         SELECT ?1, 'rollback', ?2, version_id, ?3 FROM model_channel_history WHERE id = ?4 AND ${moved}`,
      )
      .bind(channel, target.previous_version_id, now, target.id),
  ]);
  if (!update?.meta.changes)
    throw new ApiError(409, "channel_moved", `Channel "${channel}" moved meanwhile; retry.`);
  return describe(db, channel);
}
