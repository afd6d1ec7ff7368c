import type { IdCardFields, IdDocumentReader, ImageRef } from '../../core/ports';

/**
 * Reads nothing. Used where no document reader is available (the local stack has no Textract):
 * ID card fields are optional, so a registration with an ID card then stores the card image and
 * the selfie ↔ card similarity, without name, number or dates. Never falls back to values sent
 * by the client.
 */
export class NoIdDocumentReader implements IdDocumentReader {
  async read(_image: ImageRef): Promise<IdCardFields> {
    return {};
  }
}
