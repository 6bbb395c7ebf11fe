// A second process on a file store folder, as `flows worker` is beside `flows ingest`:
//   update <dir> <user> <n>   n concurrent increments of the user's vars.n
//   reserve <dir> <user> <n>  for each of n users `<user>-<i>`, 5 concurrent reservations of a
//                             cap-1 frequency entry; prints how many passed
// It prints `ready` once loaded and begins when a line arrives on stdin, so that the parent can
// start two at once and their work overlaps.
import { FileProfileStore } from '../../store/file-store.ts';

const [mode, dir, user, count] = process.argv.slice(2);
const store = new FileProfileStore(dir!);
const n = Number(count);
console.log('ready');
await new Promise((go) => process.stdin.once('data', go));
process.stdin.destroy();
if (mode === 'update') {
  await Promise.all(Array.from({ length: n }, () => store.update(user!, (p) => void (p.vars.n = (Number(p.vars.n) || 0) + 1))));
  console.log('done');
} else {
  const rule = { reentry: 'always' as const, frequency: { max: 1, perMs: 86_400_000 } };
  const attempts = Array.from({ length: n * 5 }, (_, i) =>
    store.reserveEntry('capped', `${user}-${i % n}`, { at: Date.now(), eventId: `${process.pid}-${i}` }, rule),
  );
  console.log(`reserved ${(await Promise.all(attempts)).filter((v) => v === 'reserved').length}`);
}
