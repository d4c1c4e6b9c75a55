// The app's per-tab singletons, created on first use in the browser: this browser's contributor identity, the
// offline write queue (with that identity's token), and its reactive view.
import { API_URL, api } from "./api";
import { ContributorIdentity } from "./contributor";
import { Outbox } from "./offline/outbox.svelte";
import { WriteQueue } from "./offline/write-queue";

let contributorInstance: ContributorIdentity | undefined;
let outboxInstance: Outbox | undefined;

/** This browser's contributor. */
export function contributor(): ContributorIdentity {
  contributorInstance ??= new ContributorIdentity(api, localStorage);
  return contributorInstance;
}

/** The offline write queue and its view (one per tab; tabs share the IndexedDB queue and a lock). */
export function outbox(): Outbox {
  if (!outboxInstance) {
    const identity = contributor();
    const queue = new WriteQueue({
      api: API_URL,
      authorization: () => identity.authorization(),
      onChange: () => void outboxInstance?.refresh(),
    });
    outboxInstance = new Outbox(queue);
  }
  return outboxInstance;
}
