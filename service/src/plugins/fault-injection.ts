// A deliberately bad build, for the lab's release drill (issue #21): with LAB_FAULT_INJECTION the service
// behaves as a release that passed CI but hurts shoppers on the instances, so the drill can show the release
// guard catching it. `checkout-errors`: POST /api/orders answers 500 before touching the database (no order is
// ever half-placed). `slow-shopper-paths`: checkout and the catalog answer after LAB_FAULT_DELAY_MS. The config
// refuses the setting with NODE_ENV=production (config.ts), and app.ts registers this plugin only when it is set.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { FaultInjection } from '../config.js';
import { errorBody } from '../errors.js';

const isCheckout = (method: string, url: string) => method === 'POST' && url.startsWith('/api/orders');
const isCatalog = (method: string, url: string) => method === 'GET' && url.startsWith('/api/products');

async function faultInjectionPlugin(app: FastifyInstance, fault: FaultInjection) {
  app.log.warn({ fault }, 'fault injection is on: this instance is a deliberately bad build');
  app.addHook('onRequest', async (request, reply) => {
    const { method, url } = request;
    if (fault.kind === 'checkout-errors' && isCheckout(method, url)) {
      return reply.code(500).send(errorBody(500, 'fault injected: this build fails checkout'));
    }
    if (fault.kind === 'slow-shopper-paths' && (isCheckout(method, url) || isCatalog(method, url))) {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
  });
}

export default fp(faultInjectionPlugin, { name: 'edgecart-fault-injection' });
