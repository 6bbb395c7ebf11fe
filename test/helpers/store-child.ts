// A second process on a file store folder, as `flows worker` is beside `flows ingest`:
//   update <dir> <user> <n> <startAt>   n concurrent increments of the user's vars.n
//   reserve <dir> <user> <n> <startAt>  n concurrent reservations of a cap-1 frequency entry; prints how many passed
// Both processes begin at startAt (epoch ms), so their work overlaps.
import { FileProfileStore } from '../../profiles/file-store.ts';

const [mode, dir, user, count, startAt] = process.argv.slice(2);
const store = new FileProfileStore(dir!);
const n = Number(count);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
if (mode === 'update') {
  await Promise.all(Array.from({ length: n }, () => store.update(user!, (p) => void (p.vars.n = (Number(p.vars.n) || 0) + 1))));
  console.log('done');
} else {
  const rule = { reentry: 'always' as const, frequency: { max: 1, perMs: 86_400_000 } };
  const verdicts = await Promise.all(Array.from({ length: n }, (_, i) => store.reserveEntry('capped', user!, { at: Date.now(), eventId: `${process.pid}-${i}` }, rule)));
  console.log(`reserved ${verdicts.filter((v) => v === 'reserved').length}`);
}
