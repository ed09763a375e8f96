// Bundles the /chat/ page (src/app.jsx with React, @ai-sdk/react and ai from node_modules) into one script.
// Usage: node build.mjs <output directory>; run by the examples build (see examples/pom.xml).
import { build } from 'esbuild';

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node build.mjs <output directory>');
  process.exit(2);
}
await build({
  entryPoints: ['src/app.jsx'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  minify: true,
  sourcemap: false,
  define: { 'process.env.NODE_ENV': '"production"' },
  outfile: `${outdir}/app.js`,
  logLevel: 'warning',
});
