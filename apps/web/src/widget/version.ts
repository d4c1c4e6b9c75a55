// The widget's version: the folder of its immutable URL (/widget/<version>/commonspace-widget.js). Anything
// served from that folder is cached for a year (static/_headers), so a change to the widget's code needs a new
// version here and the matching rule in static/_headers (headers.test.ts checks the two agree).

/** The widget version this build serves under /widget/<version>/. */
export const WIDGET_VERSION = "0.1.0";

/** The file name of the widget's ES module, in /widget/<version>/ and /widget/latest/. */
export const WIDGET_ENTRY = "commonspace-widget.js";
