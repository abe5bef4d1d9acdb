"""公文 (GB/T 9704-2012): its numbers, the Word styles and builder, and the layout checker."""
