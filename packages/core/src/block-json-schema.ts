// Types alone, apart from the export code (zod), so that the browser entry's declarations need nothing else.

type JsonObject = { [key: string]: unknown };

export interface BlockSchemaReference {
  block_type_slug: string;
  block_schema_checksum: string;
}

/** The exported JSON schema of a block type: draft-07 plus the block metadata keys. */
export interface BlockJsonSchema {
  $schema: string;
  title: string;
  description: string;
  type: "object";
  properties: Record<string, JsonObject>;
  required: string[];
  additionalProperties: false;
  block_type_slug: string;
  capabilities: string[];
  version: string;
  secret_fields: string[];
  block_schema_references: Record<string, BlockSchemaReference>;
  checksum: string;
}
