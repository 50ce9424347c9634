// PostGraphile 5 for `make bench-peer`: the amber preset over Jianguan's tables, as it comes.
// bench/peer.py sets the database URL and the port; nothing here is tuned for the benchmark.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const connectionString = process.env.PEER_DATABASE_URL;
if (!connectionString) throw new Error("PEER_DATABASE_URL is not set (bench/peer.py sets it)");

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  // Ours orders an entity's licenses by decision date, which has no index; PostGraphile offers
  // orderBy only on indexed columns unless this plugin is off.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [makePgService({ connectionString, schemas: ["public"] })],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PEER_PORT ?? 5678),
    graphiql: false,
    watch: false,
  },
  grafast: { explain: false },
};

export default preset;
