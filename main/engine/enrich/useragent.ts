// HTTP User-Agent → client family (http.user_agent.family): browsers via
// ua-parser-js, plus rules for CLI tools, libraries and crawlers that it
// does not classify the way an analyst wants.
import { UAParser } from 'ua-parser-js';

const RULES: Array<[RegExp, string]> = [
  [/bot\b|crawler|spider|slurp|bingpreview|facebookexternalhit|mediapartners|\bbot\//i, 'bot-crawler'],
  [/^curl\//i, 'curl'],
  [/^wget\//i, 'wget'],
  [/^python-requests\//i, 'python-requests'],
  [/^python-urllib|^python\/|aiohttp|httpx/i, 'python'],
  [/^Go-http-client\//, 'Go-http-client'],
  [/^okhttp\//i, 'okhttp'],
  [/^Java\/|Apache-HttpClient/i, 'java'],
  [/^libwww-perl|^lwp-/i, 'perl'],
  [/PowerShell/i, 'powershell'],
  [/^node-fetch|^axios|^undici/i, 'node'],
  [/nmap|masscan|zgrab|sqlmap|nikto|nuclei/i, 'scanner'],
];

const BROWSERS: Record<string, string> = {
  Chrome: 'Chrome', 'Chrome Headless': 'Chrome', 'Chrome WebView': 'Chrome', Chromium: 'Chrome', 'Mobile Chrome': 'Chrome',
  Firefox: 'Firefox', 'Mobile Firefox': 'Firefox', Safari: 'Safari', 'Mobile Safari': 'Safari', Edge: 'Edge',
  Opera: 'Opera', IE: 'IE', 'Samsung Browser': 'Samsung Internet',
};

const cache = new Map<string, string>();
const CACHE_MAX = 4096;

export function userAgentFamily(ua: string): string {
  let f = cache.get(ua);
  if (f !== undefined) return f;
  f = classify(ua);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(ua, f);
  return f;
}

function classify(ua: string): string {
  for (const [re, name] of RULES) if (re.test(ua)) return name;
  const name = new UAParser(ua).getBrowser().name;
  if (name && BROWSERS[name]) return BROWSERS[name];
  return 'other';
}
