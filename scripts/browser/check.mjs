// Opens an HTML report in headless Chromium and prints, as JSON, what a
// reader would meet: axe-core violations, the page width on a 390 px phone,
// and the widest element when printed on A4. With --screenshots DIR it also
// saves the integration graph as seen on screen and on a printed page.
//
// Usage: node check.mjs REPORT.html [--screenshots DIR]
// Needs Chromium (CHROMIUM, or chromium on PATH) and the packages of
// package.json installed in BROWSER_TOOLS (default target/browser-tools:
// `npm ci --prefix target/browser-tools` after copying package*.json there).

import { createRequire } from "node:module";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const tools = resolve(process.env.BROWSER_TOOLS || join(here, "..", "..", "target", "browser-tools"));
const require = createRequire(join(tools, "package.json"));
const puppeteer = (await import(pathToFileURL(require.resolve("puppeteer-core")).href)).default;
const axePath = require.resolve("axe-core/axe.min.js");

function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH || "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not here
      }
    }
  }
  console.error("check.mjs: Chromium not found (apt-get install chromium, or set CHROMIUM)");
  process.exit(2);
}

const args = process.argv.slice(2);
const report = args[0];
const shotsAt = args.indexOf("--screenshots");
const shots = shotsAt >= 0 ? args[shotsAt + 1] : null;
if (!report) {
  console.error("usage: node check.mjs REPORT.html [--screenshots DIR]");
  process.exit(2);
}

// A4 is 210 mm wide; the report's @page margins are 14 mm on each side.
const MM = 96 / 25.4;
const A4_CONTENT = Math.floor((210 - 2 * 14) * MM);
const PHONE = 390;

const profile = mkdtempSync(join(tmpdir(), "stackaudit-chromium-"));
const browser = await puppeteer.launch({
  executablePath: findChromium(),
  headless: true,
  // Keep the browser off the network and away from any existing profile.
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profile}`,
  ],
});
const url = pathToFileURL(resolve(report)).href;
const out = {};
try {
  const page = await browser.newPage();
  // The report forbids scripts by its Content-Security-Policy; axe-core is
  // injected by the test harness only.
  await page.setBypassCSP(true);
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(url, { waitUntil: "load" });
  await page.addScriptTag({ path: axePath });
  const axe = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
  out.axe = axe;
  if (shots) {
    const graph = await page.$(".graph");
    await graph.screenshot({ path: join(shots, "graph-screen.png") });
  }

  // Widest box on the page, with the element that makes it so.
  const widest = () =>
    page.evaluate(() => {
      let right = 0;
      let what = "";
      for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        // Content scrolled inside its own container does not widen the page.
        let inside = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === "auto" || o === "scroll" || o === "hidden") {
            inside = true;
            break;
          }
        }
        if (!inside && r.right > right) {
          right = r.right;
          what = el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "");
        }
      }
      return {
        scroll_width: document.documentElement.scrollWidth,
        widest_right: Math.ceil(right),
        widest: what,
      };
    });

  await page.setViewport({ width: PHONE, height: 844 });
  out.phone = { width: PHONE, ...(await widest()) };

  await page.emulateMediaType("print");
  await page.setViewport({ width: A4_CONTENT, height: 1000 });
  out.print = { width: A4_CONTENT, ...(await widest()) };
  // Printed links say where they lead.
  out.print.links_without_url = await page.evaluate(() =>
    [...document.querySelectorAll('a[href^="http"]')]
      .filter((a) => !getComputedStyle(a, "::after").content.includes(a.getAttribute("href")))
      .map((a) => a.getAttribute("href")),
  );
  out.print.graph_width = await page.evaluate(
    () => Math.ceil(document.querySelector(".graph svg")?.getBoundingClientRect().width ?? 0),
  );
  if (shots) {
    const graph = await page.$(".graph");
    await graph.screenshot({ path: join(shots, "graph-print.png") });
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(out, null, 2));
