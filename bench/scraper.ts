/** Scrape `url` every `everyMs` for `count` scrapes; prints {ms:[...], bytes, series}. */
const [url = '', everyArg = '1000', countArg = '10'] = process.argv.slice(2);
const ms: number[] = [];
let bytes = 0;
let series = 0;
for (let i = 0; i < Number(countArg); i++) {
  const next = performance.now() + Number(everyArg);
  const t = performance.now();
  const body = await (await fetch(url)).text();
  ms.push(performance.now() - t);
  bytes = body.length;
  series = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
}
process.stdout.write(`${JSON.stringify({ ms, bytes, series })}\n`);
