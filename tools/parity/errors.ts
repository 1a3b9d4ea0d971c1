/**
 * Input the report cannot use: an unreadable or malformed export file, a stack with no stack file,
 * a flag that makes no sense. The CLI prints the message alone and exits 2, so the message must name
 * the file or stack and say what to do.
 */
export class ParityInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParityInputError";
  }
}
