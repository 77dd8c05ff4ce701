// The web UI in a real browser: Debian's chromium or firefox-esr, headless,
// driven by puppeteer-core (CDP for chromium, WebDriver BiDi for firefox; no
// browser download).  Prints "PASS web/NAME-..." or "FAIL web/NAME-...: why"
// lines for tests/t-web.sh, NAME being "browser" for chromium and "firefox"
// for firefox (or NAME when given), and saves screenshots into OUTDIR.  An
// https:// UI_URL is the UI over TLS with the suite's self-signed
// certificate, accepted as such; the page must then come over TLS.
//
//   node browser.js UI_URL OUTDIR TARGET_URL [chromium|firefox] [NAME]
"use strict";
const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

const [url, outdir, target, product = "chromium", name] = process.argv.slice(2);
const prefix = name || (product === "firefox" ? "firefox" : "browser");
const https = url.startsWith("https://");
let failed = 0;
const pass = (n) => console.log(`PASS web/${prefix}-${n}`);
const fail = (n, why) => { failed++; console.log(`FAIL web/${prefix}-${n}: ${why}`); };

// Both browsers start from a throw-away profile; firefox's own switches
// are set as preferences (no telemetry, no update checks, no first-run
// pages that would reach for the network).
function launch(profile) {
  if (product === "firefox")
    return puppeteer.launch({
      browser: "firefox",
      executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
      headless: true,
      userDataDir: profile,
      acceptInsecureCerts: https,
      extraPrefsFirefox: {
        "app.update.enabled": false,
        "browser.shell.checkDefaultBrowser": false,
        "datareporting.policy.dataSubmissionEnabled": false,
        "toolkit.telemetry.enabled": false,
        "network.captive-portal-service.enabled": false,
      },
    });
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    userDataDir: profile,
    acceptInsecureCerts: https,
    args: ["--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`],
  });
}

async function until(page, fn, arg, ms) {
  try {
    await page.waitForFunction(fn, { timeout: ms, polling: 200 }, arg);
    return true;
  } catch (e) {
    return false;
  }
}

(async () => {
  const profile = fs.mkdtempSync(path.join(outdir, `${product}-profile-`));
  const dl = path.join(outdir, "downloads");
  fs.mkdirSync(dl, { recursive: true });
  const browser = await launch(profile);
  const errors = [];
  try {
    // downloads go to OUTDIR/downloads: a context option both protocols
    // carry (CDP's Browser.setDownloadBehavior, BiDi's
    // browser.setDownloadBehavior)
    const context = await browser.createBrowserContext({
      downloadBehavior: { policy: "allow", downloadPath: dl },
    });
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.setViewport({ width: 1280, height: 900 });
    const first = await page.goto(url, { waitUntil: "load" });
    if (https) {
      const sec = first && first.securityDetails();
      if (sec && /^TLS 1\.[23]$/.test(sec.protocol()))
        pass("tls");
      else
        fail("tls", "the page did not come over TLS 1.2/1.3: " + (sec && sec.protocol()));
    }

    // 1. the start form, filled and sent
    if (await until(page, () => !document.getElementById("start").hidden, null, 10000))
      pass("start-form-shown");
    else
      fail("start-form-shown", "no start form on a waiting run");
    await page.screenshot({ path: path.join(outdir, "1-start-form.png") });
    const set = async (sel, v) => {
      await page.$eval(sel, (e) => { e.value = ""; });
      await page.type(sel, v);
    };
    await set("#start-users", "5");
    await set("#start-rate", "5");
    await set("#start-host", target);
    await page.click("#start-go");

    // 2. rows and chart points grow
    if (await until(page, () => document.querySelectorAll("#stats tbody tr").length >= 2, null, 15000))
      pass("stats-rows");
    else
      fail("stats-rows", "fewer than 2 rows in the statistics table");
    const reqs = () => page.$eval("#stats tfoot td:nth-child(3)", (e) => Number(e.textContent.replace(/,/g, "")));
    const r1 = await reqs();
    await new Promise((r) => setTimeout(r, 2500));
    const r2 = await reqs();
    if (r2 > r1 && r1 >= 0) pass("rows-grow"); else fail("rows-grow", `requests ${r1} then ${r2}`);
    await page.screenshot({ path: path.join(outdir, "2-statistics.png"), fullPage: true });

    await page.click('a[data-tab="charts"]');
    const pts = () => page.$eval("#chart-rps", (c) => Number(c.dataset.points || 0));
    await until(page, () => Number(document.getElementById("chart-rps").dataset.points || 0) >= 2, null, 10000);
    const p1 = await pts();
    await new Promise((r) => setTimeout(r, 2500));
    const p2 = await pts();
    if (p2 > p1 && p1 >= 1) pass("chart-points-grow"); else fail("chart-points-grow", `points ${p1} then ${p2}`);
    // the canvas has something drawn on it (not blank)
    const inked = await page.$eval("#chart-rps", (c) => {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    if (inked > 500) pass("chart-drawn"); else fail("chart-drawn", `${inked} painted pixels`);
    await page.screenshot({ path: path.join(outdir, "3-charts.png"), fullPage: true });

    // 3. change the user count to 20; the users figure follows
    await page.click('a[data-tab="stats"]');
    await page.click("#edit-open");
    await set("#edit-users", "20");
    await set("#edit-rate", "20");
    await page.click("#edit-go");
    if (await until(page, () => document.getElementById("users").textContent === "20", null, 15000))
      pass("users-follow-20");
    else
      fail("users-follow-20", "users shows " + await page.$eval("#users", (e) => e.textContent));
    await page.screenshot({ path: path.join(outdir, "4-twenty-users.png"), fullPage: true });

    // 4. phone width: nothing wider than the screen but the scrolling table
    await page.setViewport({ width: 390, height: 844, isMobile: true });
    await new Promise((r) => setTimeout(r, 1200));
    const over = await page.evaluate(() => document.documentElement.scrollWidth);
    if (over <= 391) pass("phone-width"); else fail("phone-width", `page is ${over}px wide at 390px`);
    await page.screenshot({ path: path.join(outdir, "5-phone.png"), fullPage: true });
    await page.setViewport({ width: 1280, height: 900 });

    // 5. stop
    await page.click("#stop");
    if (await until(page, () => document.getElementById("state").textContent === "STOPPED", null, 20000))
      pass("stop");
    else
      fail("stop", "state " + await page.$eval("#state", (e) => e.textContent));
    await page.screenshot({ path: path.join(outdir, "6-stopped.png"), fullPage: true });

    // 6. the CSV download, through the link as a user clicks it
    await page.click('a[data-tab="download"]');
    await page.click("#dl-stats");
    let file = null;
    for (let i = 0; i < 100 && !file; i++) {
      await new Promise((r) => setTimeout(r, 100));
      file = fs.readdirSync(dl).find((f) => /^requests_\d+\.csv$/.test(f));
    }
    if (file && fs.readFileSync(path.join(dl, file), "utf8").startsWith("Type,Name,Request Count"))
      pass("csv-download");
    else
      fail("csv-download", "no requests_*.csv downloaded: " + fs.readdirSync(dl).join(" "));
    if (errors.length === 0) pass("no-page-errors"); else fail("no-page-errors", errors.join(" | ").slice(0, 400));
  } catch (e) {
    fail("driver", String(e && e.stack || e).slice(0, 600));
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
})();
