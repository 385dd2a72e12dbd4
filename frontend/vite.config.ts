import { defineConfig } from "vitest/config";

// The server's Thymeleaf page (templates/index.html in backend/server) loads the bundle by a fixed
// name, so the output is not content-hashed: /app/app.js and /app/app.css under Spring's static/.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    cssCodeSplit: false,
    sourcemap: true,
    rollupOptions: {
      input: "src/main.ts",
      output: {
        entryFileNames: "app/app.js",
        chunkFileNames: "app/[name].js",
        assetFileNames: "app/app[extname]",
      },
    },
  },
  server: {
    // `npm run dev` against a server on :8080.
    proxy: { "/api": { target: "http://localhost:8080", ws: true } },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
