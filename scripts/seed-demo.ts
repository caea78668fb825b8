/** `npm run seed`: creates the demo organisations (idempotent) on the configured database and prints the logins. */
import { loadConfig } from '../server/src/config.js';
import { createLogger } from '../server/src/logger.js';
import { createContext, closeContext } from '../server/src/context.js';
import { seedDemo } from './seed/demo.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
console.log(`seeding demo data into ${config.DATABASE_URL ? 'PostgreSQL' : `PGlite at ${config.DATA_DIR}`} …`);
const ctx = await createContext(config, logger, { role: 'api' });
try {
  const { created, logins } = await seedDemo(ctx, (m) => console.log(`  ${m}`));
  console.log(created ? 'demo data created' : 'demo data was already there');
  for (const l of logins) console.log(`  ${l.email.padEnd(30)} ${l.password.padEnd(20)} ${l.roles.padEnd(14)} ${l.org}`);
} finally {
  await closeContext(ctx);
}
