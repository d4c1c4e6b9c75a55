// Ambient types for SvelteKit (https://svelte.dev/docs/kit/types#app.d.ts). Nothing app-specific yet.
declare global {
  namespace App {}
}

export {};
