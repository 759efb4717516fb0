import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "**/cdktf.out/**", "**/.terraform/**", "coverage/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // A package-root import of a prebuilt provider loads every resource class it has:
      // ~4 s and ~600 MB for aws alone. Deep paths load one class.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@cdktf/provider-[a-z0-9-]+(/lib)?/?(index(\\.js)?)?$",
              message: "Import provider classes by deep path, e.g. '@cdktf/provider-aws/lib/vpc', never the package root.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
