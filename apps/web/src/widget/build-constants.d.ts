// Values the widget build (vite.widget.config.ts) writes into the bundle.

/** The API a widget talks to when it has no `api` attribute: the build's PUBLIC_API_URL ("" when unset). */
declare const __COMMONSPACE_DEFAULT_API__: string;
