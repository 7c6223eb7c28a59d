// pg exports its client module at pg/lib/client.js (package "exports": "./lib/*"); @types/pg does not declare that path.
declare module 'pg/lib/client.js' {
  import type { Client } from 'pg';
  const ClientClass: typeof Client;
  export default ClientClass;
}
