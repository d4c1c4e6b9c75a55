// The whole app renders in the browser (SPA): pages talk to the API and, later, run models on the device.
export const ssr = false;
export const prerender = false;
