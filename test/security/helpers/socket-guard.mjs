// Preloaded (node --import) into every CLI child process run-cli.ts starts. It reports each
// socket connection and DNS look-up the process attempts, one line each on fd 3 (a pipe
// run-cli.ts opens and reads), and refuses a connection to anything but 127.0.0.1 before it
// is made. A test can so assert that a refused command opened no socket at all, whatever
// host its hostile value named, and no test can reach the network by mistake.
import dns from 'node:dns';
import { writeSync } from 'node:fs';
import net from 'node:net';

const report = (line) => writeSync(3, `${line}\n`);

// Socket#connect takes (options[, cb]), (port[, host][, cb]), (path[, cb]), or, from
// net.connect and tls.connect, one array of already normalized arguments.
function target(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') return first.path !== undefined ? `unix:${first.path}` : `${first.host ?? 'localhost'}:${first.port}`;
  if (typeof first === 'string' && !/^\d+$/.test(first)) return `unix:${first}`;
  return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${first}`;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const to = target(args);
  report(`connect ${to}`);
  if (!to.startsWith('127.0.0.1:')) throw new Error(`socket guard: a connection to ${to.slice(0, 80)} was attempted; only 127.0.0.1 is allowed`);
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  report(`lookup ${String(hostname).slice(0, 80)}`);
  return lookup.call(this, hostname, ...rest);
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = function guardedLookupPromise(hostname, ...rest) {
  report(`lookup ${String(hostname).slice(0, 80)}`);
  return lookupPromise.call(this, hostname, ...rest);
};
