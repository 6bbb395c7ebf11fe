/** A path into a flow's or the config's data: keys and array indexes, from the root. Positions are found from it (dsl/parse/). */
export type DataPath = readonly (string | number)[];
