// Preloaded (node --import) by lost-outcome.e2e.test.ts: every socket connection stalls
// forever without keeping the process alive, so an HTTP request neither answers nor fails
// and, once nothing else is pending, Node has nothing left to wait for.
import net from 'node:net';

net.Socket.prototype.connect = function stalledConnect() {
  this.unref();
  return this;
};
