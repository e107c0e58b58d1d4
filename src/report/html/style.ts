/** The page's stylesheet: system fonts only, light and dark from the reader's preference. */
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --panel: #f6f8fa; --code-bg: #f6f8fa;
  --link: #0969da; --lost: #cf222e; --stale: #9a6700; --this: #0969da; --other: #8250df;
  --hit: #fff8c5; --mark: #ffd33d66; --shadow: 0 1px 2px #1f23280f;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --panel: #151b23; --code-bg: #0d1117;
    --link: #4493f8; --lost: #f85149; --stale: #d29922; --this: #4493f8; --other: #ab7df8;
    --hit: #bb800926; --mark: #bb800966; --shadow: none;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; padding-bottom: 8px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0; display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .site { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
time span, .summary .site span { white-space: nowrap; }
.headline { color: var(--muted); margin: 0; }
.headline strong { color: var(--fg); }
.badge { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 12px; font-weight: 600; line-height: 20px; white-space: nowrap; border: 1px solid currentColor; }
.badge.lost-update { color: var(--lost); }
.badge.stale-check { color: var(--stale); }
.panel { background: var(--bg); border: 1px solid var(--border); border-radius: 8px; box-shadow: var(--shadow); margin: 16px 0; overflow: hidden; }
table { border-collapse: collapse; width: 100%; }
.summary-panel { overflow-x: auto; }
.summary th, .summary td { padding: 6px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--border); white-space: nowrap; }
.summary td.wrap { white-space: normal; overflow-wrap: break-word; }
.summary td.target-cell { width: 18%; }
.summary thead th { background: var(--panel); font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; cursor: pointer; user-select: none; }
.summary thead th[aria-sort=ascending]::after { content: " \\25B4"; }
.summary thead th[aria-sort=descending]::after { content: " \\25BE"; }
.summary tbody tr:last-child td { border-bottom: 0; }
.summary tbody tr:hover { background: var(--panel); }
.summary td.number { text-align: right; font-variant-numeric: tabular-nums; }
.summary .target { font-weight: 600; }
.summary td.tests { width: 18%; }
.race-head { padding: 12px 16px; background: var(--panel); border-bottom: 1px solid var(--border); }
.race-head h2 code { font-size: 16px; overflow-wrap: anywhere; }
.race-head .id { font-weight: normal; font-size: 12px; }
.facts { margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 2px 18px; color: var(--muted); font-size: 13px; }
.facts span b { color: var(--fg); font-weight: 600; }
.explain { margin: 8px 0 0; }
.tests-list { margin: 6px 0 0; padding-left: 20px; font-size: 13px; }
.timeline { table-layout: fixed; }
.timeline th { padding: 8px 12px; text-align: left; font-size: 13px; border-bottom: 1px solid var(--border); }
.timeline th.order { width: 40px; }
.timeline th.lane-this { color: var(--this); }
.timeline th.lane-other { color: var(--other); }
.timeline td { vertical-align: top; padding: 10px 12px; border-bottom: 1px solid var(--border); }
.timeline tr:last-child td { border-bottom: 0; }
.timeline td.order { text-align: center; }
.timeline .num { display: inline-flex; width: 24px; height: 24px; border-radius: 50%; align-items: center; justify-content: center; font-weight: 700; font-size: 12px; color: #fff; }
.timeline tr.lane-this .num { background: var(--this); }
.timeline tr.lane-other .num { background: var(--other); }
.timeline td.idle { position: relative; }
.timeline td.idle::before { content: ""; position: absolute; top: 0; bottom: 0; left: 12px; border-left: 3px solid var(--border); }
.timeline td.suspended::before { border-left-style: dashed; border-color: var(--this); }
.timeline td.suspended span { position: relative; margin-left: 12px; color: var(--muted); font-style: italic; }
.step { border-left: 3px solid var(--this); padding-left: 10px; min-width: 0; }
.lane-other .step { border-left-color: var(--other); }
.step.write { border-left-color: var(--lost); }
.step-title { font-weight: 600; }
.step-text { margin: 2px 0 6px; }
.site { color: var(--muted); overflow-wrap: anywhere; }
pre.source { margin: 0; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 6px 0; overflow-x: auto; line-height: 1.45; }
pre.source .line { display: block; padding: 0 10px 0 0; white-space: pre; }
pre.source .ln { display: inline-block; min-width: 3.2em; padding-right: 10px; text-align: right; color: var(--muted); user-select: none; }
pre.source .hit { background: var(--hit); }
pre.source .hit .ln { color: var(--fg); font-weight: 700; }
pre.source mark { background: var(--mark); color: inherit; border-radius: 2px; outline: 1px solid var(--stale); }
details.stack { margin-top: 6px; font-size: 12.5px; }
details.stack summary { cursor: pointer; color: var(--muted); }
details.stack ol { margin: 4px 0 0; padding-left: 22px; }
details.stack li { overflow-wrap: anywhere; }
.no-source { color: var(--muted); font-style: italic; margin: 0; font-size: 12.5px; }
.empty { padding: 24px; text-align: center; color: var(--muted); }
footer { max-width: 1280px; margin: 0 auto; padding: 8px 24px 32px; color: var(--muted); font-size: 12px; }
`;
