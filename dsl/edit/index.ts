/**
 * The comment-safe YAML writer: edits to a flow file written into its text, line by line, so
 * comments, blank lines, quoting and layout stay as they are. Pure and browser-safe (the studio
 * bundles it): it imports only `yaml`, dsl/language/ and dsl/parse/walk.ts.
 */
export { applyEdit, applyEdits } from './apply.ts';
export { findStep, readFlowText, stepPlaces, type FlowText } from './read.ts';
export type { EditResult, FlowEdit, StepPlace, StepRef, Where } from './types.ts';
