// Evaluated once per workflow context and shared by every run (worker/start.ts preloadModules):
// pure libraries whose module scope each run would otherwise evaluate again. Imported here, as
// the interpreter imports them, so the bundle resolves them to the same modules (a require from
// the bundler's list picks their CommonJS builds instead, which no run uses).
import 'luxon';
import 're2js';
