/** Builds multipart/form-data bodies by hand, so tests can put any bytes (invalid UTF-8 included) in a field. */

/** One form field. */
export interface FormField {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  contentType?: string;
}

/** The encoded body and its Content-Type header. */
export function multipartBody(fields: FormField[], boundary = "----commonspace-test-boundary") {
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [];
  for (const field of fields) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${field.name}"`;
    if (field.filename !== undefined) head += `; filename="${field.filename}"`;
    head += "\r\n";
    if (field.contentType !== undefined) head += `Content-Type: ${field.contentType}\r\n`;
    pieces.push(encoder.encode(`${head}\r\n`));
    pieces.push(typeof field.value === "string" ? encoder.encode(field.value) : field.value);
    pieces.push(encoder.encode("\r\n"));
  }
  pieces.push(encoder.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    body.set(piece, at);
    at += piece.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
