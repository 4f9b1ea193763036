// One crafted capture with many attacks in turn, after a minute of quiet
// background: a port scan, SSH brute force, HTTP login failures, a SYN
// flood, a DNS reflection flood, a ping flood, DNS tunnelling, GRE and SCTP,
// HTTP on port 22 and AI service use. For tests that compare two ways of
// computing the insights (they should agree on every alert kind).
import { ACK, MAC_A, MAC_B, SYN, RST, Scenario, dnsQuery, dnsResponse, gre, httpRequest, httpResponse, icmpEcho, sctpInit, tcp, tlsClientHello, udp } from './craft';

const T0 = 1_760_000_000;

export function attacks(): Scenario {
  const s = new Scenario();
  let t = T0;
  for (; t < T0 + 60; t += 0.5) s.ip(t, udp('198.18.120.1', '198.18.120.9', 40000, 7000, new Array(32).fill(0)));
  // port scan
  for (let port = 1; port <= 100; port++, t += 0.01) {
    s.ip(t, tcp('198.18.5.1', '198.18.5.2', { sport: 40000 + port, dport: port, flags: SYN, seq: 1 }));
    s.ip(t + 0.001, tcp('198.18.5.2', '198.18.5.1', { sport: port, dport: 40000 + port, flags: RST | ACK, seq: 0, ack: 2 }), MAC_B, MAC_A);
  }
  // SSH brute force
  for (let i = 0; i < 30; i++, t += 1.5) {
    s.connection(t, '203.0.113.7', '198.18.6.2', 50000 + i, 22, {
      request: [...Buffer.from('SSH-2.0-libssh_0.10.4\r\n')], response: [...Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')],
    });
  }
  // HTTP logins refused
  for (let i = 0; i < 25; i++, t += 0.5) {
    s.connection(t, '198.18.12.7', '198.18.12.2', 52000 + i, 80, { request: httpRequest('198.18.12.2', '/login'), response: httpResponse(401, 'no') });
  }
  // SYN flood from spoofed sources
  t += 5;
  for (let i = 0; i < 600; i++) {
    const src = `100.64.${(i >> 7) + 1}.${(i & 127) + 1}`;
    s.ip(t + i * (2 / 600), tcp(src, '198.18.7.2', { sport: 1024 + ((i * 7919) % 60000), dport: 80, flags: SYN, seq: i }));
  }
  t += 10;
  // DNS reflection flood
  const big = (k: number) => dnsResponse(k, 'example.org', Array.from({ length: 20 }, (_, i) => `198.19.${i}.1`));
  for (let k = 0; k < 1500; k++) s.ip(t + k / 1000, udp(`198.18.121.${1 + (k % 30)}`, '198.18.120.2', 53, 1024 + (k % 5000), big(k)), MAC_B, MAC_A);
  t += 14;
  // ping flood
  for (let k = 0; k < 1200; k++) s.ip(t + k / 400, icmpEcho('198.18.122.3', '198.18.120.4', 1, k));
  t += 15;
  // DNS tunnelling: long random-looking names under one domain
  for (let k = 0; k < 80; k++, t += 0.2) {
    const label = Buffer.from(`${k}:${(k * 2654435761) >>> 0}:${(k * 40503) ^ 0x5bd1e995}`).toString('hex').slice(0, 40);
    s.ip(t, udp('198.18.13.4', '198.18.13.1', 30000 + k, 53, dnsQuery(k, `${label}.t.evil.example`)));
  }
  // GRE, SCTP
  for (let i = 0; i < 5; i++, t += 1) {
    s.ip(t, gre('198.18.9.1', '198.18.9.3', icmpEcho('10.0.0.1', '10.0.0.2', 2, i)));
    s.ip(t + 0.2, sctpInit('198.18.9.4', '198.18.9.2', 5000, 38412));
  }
  // HTTP on port 22
  s.connection(t, '198.18.9.1', '198.18.9.2', 41000, 22, { request: httpRequest('198.18.9.2'), response: httpResponse(200) });
  t += 1;
  // AI services, by SNI and by an address DNS gave
  s.connection(t, '198.18.10.5', '162.159.140.245', 43000, 443, { request: tlsClientHello('api.openai.com') });
  s.ip(t + 2, udp('198.18.10.5', '198.18.10.1', 53001, 53, dnsQuery(77, 'api.anthropic.com')));
  s.ip(t + 2.01, udp('198.18.10.1', '198.18.10.5', 53, 53001, dnsResponse(77, 'api.anthropic.com', ['160.79.104.10'])));
  s.connection(t + 2.02, '198.18.10.5', '160.79.104.10', 43001, 443, {});
  return s;
}

