import { decodeState, encodeState } from '../../src/core/bundle/codec';
import type { SerializedModel, StateValue } from '../../src/core/models/types';

/** A serialized model through the bundle codec and JSON text and back, as a saved bundle takes it. */
export function roundTrip(s: SerializedModel): SerializedModel {
  const parsed = JSON.parse(JSON.stringify({ ...s, state: encodeState(s.state) })) as SerializedModel;
  return { ...parsed, state: decodeState(parsed.state) as { [k: string]: StateValue } };
}
