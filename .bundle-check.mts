import { workflowBundle } from '/work/main/worker/start.ts';
import { ENCRYPTING_FAILURE_CONVERTER } from '/work/main/codec/data-converter.ts';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/index.js';
const b = await workflowBundle(ENCRYPTING_FAILURE_CONVERTER);
console.log('bundle', b.code.length, b.code.includes('encodeCommonAttributes: true'));
const dc = loadDataConverter({ failureConverterPath: ENCRYPTING_FAILURE_CONVERTER });
console.log((dc.failureConverter as any).options);
