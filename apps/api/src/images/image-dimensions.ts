/** Width and height in pixels, as read from an image header. */
export interface ImageDimensions {
  width: number;
  height: number;
}
