// Vite's `?raw` imports (a file's text), used by the signing test to read .dev.vars.example.
declare module "*?raw" {
  const text: string;
  export default text;
}
