/** Browse routes show pending and rejected rows to moderators only. */
import { ApiError } from "../errors";
import type { ModerationStatus } from "./moderation-status";

/** Throws 401 when a non-admin asks for rows that are not approved. */
export function requireAdminForStatus(status: ModerationStatus, isAdmin: boolean): void {
  if (status !== "approved" && !isAdmin) {
    throw new ApiError(401, "unauthorized", `Listing ${status} rows needs the admin bearer token.`, {
      "WWW-Authenticate": 'Bearer realm="commonspace-admin"',
    });
  }
}
