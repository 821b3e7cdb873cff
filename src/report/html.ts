import type { TopLevelSpec } from "vega-lite";
import type { Chart } from "./charts/types.ts";

/** Scripts copied beside index.html from node_modules, loaded in this order (vega-embed expects globals vega and vegaLite). */
export const LIBS = [
  { pkg: "vega", file: "build/vega.min.js" },
  { pkg: "vega-lite", file: "build/vega-lite.min.js" },
  { pkg: "vega-embed", file: "build/vega-embed.min.js" },
];

export interface PageSection {
  title: string;
  html: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;max-width:1200px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px}
.note{color:#8a6d3b;background:#fcf8e3;padding:6px 10px;border-radius:4px}.banner{background:#f2dede;color:#a94442;padding:8px 12px;border-radius:4px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}pre{white-space:pre-wrap;margin:0;font-size:12px}`;

/** The page draws each chart with vega-embed and sets body[data-render-status] to done or error once all are drawn. */
const BOOT = `(function(){var errors=[];window.addEventListener('error',function(e){errors.push(String(e.message||e))});
var specs=JSON.parse(document.getElementById('specs').textContent);
Promise.all(Object.keys(specs).map(function(id){return vegaEmbed('#chart-'+id,specs[id],{actions:false,renderer:'svg'})}))
.then(function(){document.body.dataset.renderStatus=errors.length?'error':'done';document.body.dataset.renderErrors=errors.join(' | ')},
function(err){console.error(err);document.body.dataset.renderStatus='error';document.body.dataset.renderErrors=String(err)});})();`;

/** One self-contained page: charts (specs embedded, drawn offline by the copied libraries), notes and extra sections. */
export function reportPage(title: string, intro: PageSection[], charts: Chart[], outro: PageSection[], libDir = "lib"): string {
  const specs: Record<string, TopLevelSpec> = {};
  const body = charts.map((c) => {
    if (!c.spec) return `<h2>${escapeHtml(c.title)}</h2>\n<p class="note">Skipped: ${escapeHtml(c.skipped ?? "no data")}</p>`;
    specs[c.id] = c.spec;
    return `<h2>${escapeHtml(c.title)}</h2>\n<div class="chart" id="chart-${c.id}" data-chart="${c.id}"></div>\n<p><a href="${c.id}.vl.json">spec</a> · <a href="${c.id}.svg">svg</a></p>`;
  });
  const section = (s: PageSection) => `<h2>${escapeHtml(s.title)}</h2>\n${s.html}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style>
${LIBS.map((l) => `<script src="${libDir}/${l.file.split("/").pop()}"></script>`).join("\n")}
</head><body>
<h1>${escapeHtml(title)}</h1>
${[...intro.map(section), ...body, ...outro.map(section)].join("\n")}
<script type="application/json" id="specs">${scriptJson(specs)}</script>
<script>${BOOT}</script>
</body></html>
`;
}

export function htmlTable(header: string[], rows: string[][]): string {
  const tr = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
  return `<table>\n${tr(header.map(escapeHtml), "th")}\n${rows.map((r) => tr(r, "td")).join("\n")}\n</table>`;
}
